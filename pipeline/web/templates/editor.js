(function(){
 var box=document.getElementById('editor');if(!box||!window.Yasqe||!window.Yasr)return;
 function data(id){return JSON.parse(document.getElementById(id).textContent)}
 var endpoint=box.dataset.endpoint,base=box.dataset.base,examples=data('koko-examples');
 var params=new URLSearchParams(location.search),permalink=document.getElementById('permalink');
 var yasqe=new Yasqe(box,{value:params.get('query')||data('koko-start'),persistenceId:null,showQueryButton:!!endpoint,
  requestConfig:{endpoint:endpoint,method:'POST',acceptHeaderGraph:'text/turtle'}});
 var yasr=new Yasr(document.getElementById('results'),{prefixes:data('koko-prefixes'),persistenceId:null});
 yasqe.on('queryResponse',function(y,response,duration){yasr.setResponse(response,duration)});
 yasr.on('drawn',function(){  // an IRI of this graph opens its page here, not at its published address
  if(/^https?:/.test(endpoint))return;
  document.querySelectorAll('#results a[href^="'+base+'"]').forEach(function(a){
   a.href='/'+a.getAttribute('href').slice(base.length);a.removeAttribute('target')})});
 function share(){var url=location.pathname+'?query='+encodeURIComponent(yasqe.getValue());
  permalink.href=url;try{history.replaceState(null,'',url+location.hash)}catch(e){}}
 yasqe.on('query',share);
 function pick(name){if(!(name in examples))return;yasqe.setValue(examples[name]);share();if(endpoint)yasqe.query()}
 document.querySelectorAll('button.example').forEach(function(b){b.addEventListener('click',function(){pick(b.value)})});
 var hash=/^#example=([\w-]+)$/.exec(location.hash);
 if(hash)pick(hash[1]);else if(params.get('query')){share();if(endpoint)yasqe.query()}
})();
