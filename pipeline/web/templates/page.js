document.querySelectorAll('.langs button').forEach(function(b){b.addEventListener('click',function(){
 document.documentElement.dataset.lang=b.value;document.documentElement.lang=b.value;
 try{localStorage.setItem('koko-lang',b.value)}catch(e){}})});
if(!document.documentElement.dataset.fixed){try{var l=localStorage.getItem('koko-lang');
 if(l){document.documentElement.dataset.lang=l;document.documentElement.lang=l}}catch(e){}}
